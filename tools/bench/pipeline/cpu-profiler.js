// Preloaded (--require in NODE_OPTIONS) into the services and the broker by the pipeline bench's
// --cpu-prof, because Node refuses --cpu-prof in NODE_OPTIONS: the first SIGUSR2 starts V8's CPU
// profiler, the next writes the profile to $BENCH_CPU_PROFILE_DIR/<pid>-<n>.cpuprofile (n counts
// the profiles from 1). Plain JavaScript: it loads before the TypeScript register hook does.
const { Session } = require('node:inspector');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const directory = process.env.BENCH_CPU_PROFILE_DIR;
if (directory) {
  const session = new Session();
  session.connect();
  let profiling = false;
  let written = 0;
  process.on('SIGUSR2', () => {
    profiling = !profiling;
    if (profiling) {
      session.post('Profiler.enable', () => session.post('Profiler.start'));
      return;
    }
    session.post('Profiler.stop', (error, result) => {
      written += 1;
      const file = join(directory, `${process.pid}-${written}.cpuprofile`);
      if (error) writeFileSync(`${file}.error`, String(error));
      else writeFileSync(file, JSON.stringify(result.profile));
    });
  });
}
