// Where a process spent its CPU while it was profiled (see cpu-profiler.js): its V8 CPU profile
// summed by package and by function, self time only.
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  /** In µs. */
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const IDLE = '(idle)';

/** Where cpu-profiler.js writes the `sequence`th profile (from 1) of process `pid`. */
export function cpuProfileFile(directory: string, pid: number, sequence: number): string {
  return join(directory, `${pid}-${sequence}.cpuprofile`);
}

/** The top packages and functions of a profile, by self time. */
export function summariseCpuProfile(file: string, workspaceRoot: string, top = 10): string {
  if (!existsSync(file)) return `  no CPU profile ${file}`;
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, ProfileNode>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node);
  const fileOf = (node: ProfileNode) =>
    node.callFrame.url ? relative(workspaceRoot, node.callFrame.url.replace(/^file:\/\//, '')) : '';
  // Native functions and Node internals are charged to the package whose code called them; samples
  // of the profiler stopping (inside cpu-profiler.js) are nobody's work and are left out.
  const chargedOwner = (node: ProfileNode): string | undefined => {
    let owner: string | undefined;
    for (let frame: ProfileNode | undefined = node; frame; frame = parents.get(frame.id)) {
      const file = fileOf(frame);
      if (file.startsWith('tools/bench/')) return undefined;
      if (owner === undefined && file && !file.startsWith('node:'))
        owner = ownerOf(file, frame.callFrame.functionName);
    }
    return owner ?? ownerOf(fileOf(node), node.callFrame.functionName);
  };
  const owners = new Map<number, string | undefined>();
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((nodeId, index) => {
    // timeDeltas[i] is the time before sample i; charge it to the node sampled.
    const delta = profile.timeDeltas[index] ?? 0;
    const node = nodes.get(nodeId);
    if (!node || node.callFrame.functionName === IDLE) return;
    if (!owners.has(nodeId)) owners.set(nodeId, chargedOwner(node));
    const owner = owners.get(nodeId);
    if (owner === undefined) return;
    busy += delta;
    const { functionName } = node.callFrame;
    const file = fileOf(node);
    byPackage.set(owner, (byPackage.get(owner) ?? 0) + delta);
    const name = `${functionName || '(anonymous)'}${file ? ` ${shortFile(file)}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + delta);
  });
  const wallMicroseconds = profile.endTime - profile.startTime;
  const table = (entries: Map<string, number>, heading: string) =>
    [
      `  ${heading}`,
      ...[...entries]
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(
          ([name, microseconds]) =>
            `    ${(microseconds / 1e6).toFixed(2).padStart(6)} s  ${((100 * microseconds) / Math.max(busy, 1)).toFixed(1).padStart(5)}%  ${name}`,
        ),
    ].join('\n');
  return [
    // Samples are taken on a wall clock: a thread waiting for a core still counts as busy.
    `  busy in ${(busy / 1e6).toFixed(1)} s of the ${(wallMicroseconds / 1e6).toFixed(1)} s profiled ` +
      '(sampled time, not CPU time: more than its CPU seconds when it had to wait for a core)',
    table(byPackage, 'by package (native calls and Node internals charged to the package that called them):'),
    table(byFunction, `top ${top} functions by self time:`),
  ].join('\n');
}

/** The npm package, workspace project or runtime part a frame belongs to. */
function ownerOf(file: string, functionName: string): string {
  const modules = file.lastIndexOf('node_modules/');
  if (modules !== -1) {
    const [scopeOrName, name] = file.slice(modules + 'node_modules/'.length).split('/');
    return scopeOrName.startsWith('@') ? `${scopeOrName}/${name}` : scopeOrName;
  }
  const project = /^(libs|apps|tools)\/[^/]+/.exec(file);
  if (project) return project[0];
  if (file.startsWith('node:')) return 'node internals';
  if (functionName === '(garbage collector)') return 'garbage collector';
  return file ? 'other code' : `${functionName || '(anonymous)'} (native)`;
}

function shortFile(file: string): string {
  const modules = file.lastIndexOf('node_modules/');
  return modules === -1 ? file : file.slice(modules + 'node_modules/'.length);
}
