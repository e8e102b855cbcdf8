-- Operator-editable settings of the pairly backend, one row per key (values are JSON).
CREATE TABLE pairly_settings (
  key text PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 100),
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
