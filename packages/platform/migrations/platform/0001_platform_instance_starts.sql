-- Records every start of an instance: when, which app, which host. Operators see restarts and
-- rolling deploys; the embedded default proves its data survives a restart.
CREATE TABLE platform_instance_starts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  app text NOT NULL,
  hostname text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now()
);
