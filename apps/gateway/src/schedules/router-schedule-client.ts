import {
  type CreateScheduleRequest,
  ScheduleListView,
  ScheduleView,
  type UpdateScheduleRequest,
} from '@switchboard/contracts';
import type { InternalServiceClient, UpstreamAnswer } from '../internal-services/internal-service-client';

/** The router's internal recurring schedules API, scoped to one tenant per call. */
export class RouterScheduleClient {
  constructor(private readonly http: InternalServiceClient) {}

  create(tenantId: string, request: CreateScheduleRequest): Promise<UpstreamAnswer> {
    return this.http.requestChecked(ScheduleView, 'POST', schedulesPath(tenantId), request);
  }

  list(tenantId: string): Promise<UpstreamAnswer> {
    return this.http.requestChecked(ScheduleListView, 'GET', schedulesPath(tenantId));
  }

  get(tenantId: string, scheduleId: string): Promise<UpstreamAnswer> {
    return this.http.requestChecked(ScheduleView, 'GET', schedulePath(tenantId, scheduleId));
  }

  update(tenantId: string, scheduleId: string, request: UpdateScheduleRequest): Promise<UpstreamAnswer> {
    return this.http.requestChecked(ScheduleView, 'PATCH', schedulePath(tenantId, scheduleId), request);
  }

  delete(tenantId: string, scheduleId: string): Promise<UpstreamAnswer> {
    return this.http.request('DELETE', schedulePath(tenantId, scheduleId));
  }
}

function schedulesPath(tenantId: string): string {
  return `/internal/tenants/${encodeURIComponent(tenantId)}/schedules`;
}

function schedulePath(tenantId: string, scheduleId: string): string {
  return `${schedulesPath(tenantId)}/${encodeURIComponent(scheduleId)}`;
}
