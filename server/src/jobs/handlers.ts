import { checkRunJob } from '../checks/job.ts'
import { CHECK_RUN_JOB } from '../checks/run.ts'
import type { JobHandler } from './worker.ts'

/** Every kind of background job and what does it. */
export const JOB_HANDLERS: Record<string, JobHandler> = {
  [CHECK_RUN_JOB]: checkRunJob,
}
