const MAX_ADDRESS_LENGTH = 254;
const MAX_LOCAL_PART_LENGTH = 64;
const MAX_LABEL_LENGTH = 63;
const DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;

/**
 * What makes an email address undeliverable beyond its syntax (which the contracts already
 * check): the lengths RFC 5321 allows, domain labels, and the reserved .invalid domain
 * (RFC 2606) that never receives mail. Undefined when nothing is wrong.
 */
export function emailAddressProblem(address: string): string | undefined {
  if (address.length > MAX_ADDRESS_LENGTH) return `longer than ${MAX_ADDRESS_LENGTH} characters`;
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return 'needs a local part, an @ and a domain';
  const localPart = address.slice(0, at);
  const domain = address.slice(at + 1).replace(/\.$/, '');
  if (localPart.length > MAX_LOCAL_PART_LENGTH)
    return `local part longer than ${MAX_LOCAL_PART_LENGTH} characters`;
  const labels = domain.split('.');
  if (labels.length < 2) return 'the domain needs a top-level domain';
  for (const label of labels) {
    if (label.length > MAX_LABEL_LENGTH)
      return `a domain label is longer than ${MAX_LABEL_LENGTH} characters`;
    if (!DOMAIN_LABEL.test(label)) return `the domain label "${label}" is not a host name`;
  }
  if (labels[labels.length - 1].toLowerCase() === 'invalid') return 'the .invalid domain never receives mail';
  return undefined;
}
