// Where the broker spends its CPU: the top of a V8 .cpuprofile (from node --cpu-prof) by self time.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const NOT_WORK = new Set(['(idle)', '(program)']);

/** Summarises the profiles one process wrote (one per thread), the busiest thread in full. */
export function summariseCpuProfiles(
  directory: string,
  pid: number,
  workspaceRoot: string,
  top = 15,
): string {
  // Node names them CPU.<date>.<time>.<pid>.<thread>.<sequence>.cpuprofile.
  const files = readdirSync(directory).filter(
    (name) => name.endsWith('.cpuprofile') && name.includes(`.${pid}.`),
  );
  if (files.length === 0)
    return `no CPU profile of pid ${pid} in ${directory} (did the broker stop cleanly?)`;
  const summaries = files
    .map((file) =>
      summarise(
        join(directory, file),
        JSON.parse(readFileSync(join(directory, file), 'utf8')),
        workspaceRoot,
        top,
      ),
    )
    .sort((a, b) => b.busyMicroseconds - a.busyMicroseconds);
  return [summaries[0].text, ...summaries.slice(1).map((summary) => summary.heading)].join('\n');
}

interface ProfileSummary {
  busyMicroseconds: number;
  heading: string;
  text: string;
}

function summarise(path: string, profile: CpuProfile, workspaceRoot: string, top: number): ProfileSummary {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMicroseconds = new Map<number, number>();
  // timeDeltas[i] is the time before sample i; charge it to the node sampled.
  profile.samples.forEach((nodeId, index) =>
    selfMicroseconds.set(nodeId, (selfMicroseconds.get(nodeId) ?? 0) + (profile.timeDeltas[index] ?? 0)),
  );
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let total = 0;
  let busy = 0;
  for (const [nodeId, microseconds] of selfMicroseconds) {
    const node = nodes.get(nodeId);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url ? relative(workspaceRoot, url.replace(/^file:\/\//, '')) : '';
    // Positions in .ts files are those of tsx's compiled output, not of the source: leave them out.
    const position = file.endsWith('.ts') ? '' : `:${lineNumber + 1}`;
    const name = `${functionName || '(anonymous)'}${file ? ` ${file}${position}` : ''}`;
    total += microseconds;
    if (NOT_WORK.has(functionName)) continue;
    busy += microseconds;
    byFunction.set(name, (byFunction.get(name) ?? 0) + microseconds);
    const owner = file.startsWith('libs/')
      ? file
      : file.includes('node_modules')
        ? 'node_modules'
        : '(node internals, native, GC)';
    byFile.set(owner, (byFile.get(owner) ?? 0) + microseconds);
  }
  const table = (entries: Map<string, number>, heading: string) =>
    [
      heading,
      ...[...entries]
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(
          ([name, microseconds]) =>
            `  ${(microseconds / 1000).toFixed(0).padStart(7)} ms  ${((100 * microseconds) / busy).toFixed(1).padStart(5)}% of busy  ${name}`,
        ),
    ].join('\n');
  const heading = `CPU profile ${path}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (not idle or unattributed)`;
  return {
    busyMicroseconds: busy,
    heading,
    text: [
      heading,
      table(byFunction, `top ${top} functions by self time:`),
      table(byFile, `self time by file:`),
    ].join('\n'),
  };
}
