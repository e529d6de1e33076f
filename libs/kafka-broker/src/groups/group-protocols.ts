import type { GroupMember } from './group-member';
import type { JoinGroupRequest } from './group-types';

/** A joining member must speak the group's protocol type and share a protocol with every current member. */
export function acceptsProtocols(
  members: GroupMember[],
  groupProtocolType: string | null,
  request: JoinGroupRequest,
): boolean {
  if (request.protocolType === '' || request.protocols.length === 0) return false;
  if (members.length === 0) return true;
  return (
    request.protocolType === groupProtocolType &&
    request.protocols.some((protocol) => members.every((member) => member.supports(protocol.name)))
  );
}

/** Each member votes for its favourite among the protocols all support; ties go to the oldest member's preference. */
export function chooseProtocol(members: GroupMember[]): string | null {
  if (members.length === 0) return null;
  const candidates = members[0].protocols
    .map((protocol) => protocol.name)
    .filter((name) => members.every((member) => member.supports(name)));
  const votes = new Map<string, number>();
  for (const member of members) {
    const favourite = member.protocols.find((protocol) => candidates.includes(protocol.name));
    if (favourite) votes.set(favourite.name, (votes.get(favourite.name) ?? 0) + 1);
  }
  let chosen = candidates[0] ?? members[0].protocols[0]?.name ?? null;
  for (const name of candidates) if ((votes.get(name) ?? 0) > (votes.get(chosen ?? '') ?? 0)) chosen = name;
  return chosen;
}
