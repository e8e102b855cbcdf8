// Public surface of the background jobs module.
export {
  createJobRunner,
  type JobContext,
  type JobHandler,
  type JobRunner,
  type QueueSettings,
  type SendOptions,
} from './job-runner.js';
