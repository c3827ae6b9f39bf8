/** Schedules: a recurring search on a cron or calendar, each run a job of its own. */

import type { APIClient, RequestOptions } from "../core.js";
import { PagePromise } from "../pagination.js";
import type {
  Deleted,
  PauseParams,
  Schedule,
  ScheduleCreateParams,
  ScheduleListParams,
  ScheduleUpdateParams,
} from "../types.js";

const id = encodeURIComponent;

export class Schedules {
  constructor(private readonly client: APIClient) {}

  create(body: ScheduleCreateParams, options?: RequestOptions): Promise<Schedule> {
    return this.client.request({ method: "POST", path: "schedules", body, options });
  }

  /** A schedule with `next_run_times` and `recent_runs`. */
  retrieve(scheduleId: string, options?: RequestOptions): Promise<Schedule> {
    return this.client.request({ method: "GET", path: `schedules/${id(scheduleId)}`, options });
  }

  update(scheduleId: string, body: ScheduleUpdateParams, options?: RequestOptions): Promise<Schedule> {
    return this.client.request({ method: "PATCH", path: `schedules/${id(scheduleId)}`, body, options });
  }

  list(params: ScheduleListParams = {}, options?: RequestOptions): PagePromise<Schedule> {
    return new PagePromise(this.client, { method: "GET", path: "schedules", query: params, options });
  }

  pause(scheduleId: string, body: PauseParams = {}, options?: RequestOptions): Promise<Schedule> {
    return this.client.request({ method: "POST", path: `schedules/${id(scheduleId)}/pause`, body, options });
  }

  resume(scheduleId: string, body: PauseParams = {}, options?: RequestOptions): Promise<Schedule> {
    return this.client.request({ method: "POST", path: `schedules/${id(scheduleId)}/resume`, body, options });
  }

  /** Run now (also while paused). */
  trigger(scheduleId: string, options?: RequestOptions): Promise<Schedule> {
    return this.client.request({ method: "POST", path: `schedules/${id(scheduleId)}/trigger`, options });
  }

  /** Delete the schedule; the jobs it started stay. */
  delete(scheduleId: string, options?: RequestOptions): Promise<Deleted> {
    return this.client.request({ method: "DELETE", path: `schedules/${id(scheduleId)}`, options });
  }
}
