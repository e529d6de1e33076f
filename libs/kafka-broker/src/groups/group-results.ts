import type { JoinGroupResult, SyncGroupResult } from './group-types';

export const NO_BYTES = Buffer.alloc(0);

export interface LeavingMember {
  memberId: string;
  groupInstanceId: string | null;
}

export interface LeaveOutcome extends LeavingMember {
  errorCode: number;
}

export function joinError(errorCode: number, memberId: string): JoinGroupResult {
  return {
    errorCode,
    generationId: -1,
    protocolType: null,
    protocolName: null,
    leader: '',
    memberId,
    members: [],
  };
}

export function syncError(errorCode: number): SyncGroupResult {
  return { errorCode, protocolType: null, protocolName: null, assignment: NO_BYTES };
}
