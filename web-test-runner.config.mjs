// Browser tests in real (Debian) Chromium with a fake microphone that plays the committed WAV.
// Run through scripts/test.mjs (`npm test`), which finds Chromium and loads this file under tsx,
// so plugins may import the project's TypeScript (the mock realtime server).
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { defaultReporter, summaryReporter } from '@web/test-runner';
import { countReporter } from './scripts/wtr-count-reporter.mjs';
import { wtrPlugins } from './test/support/wtr-plugins.mjs';
import { workletRoutePlugin } from './test/support/worklet-route-plugin.mjs';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from './scripts/chromium.mjs';


// Node-side tests never run in the browser, whatever the selection.
const files = [...(process.env.WTR_FILES ? process.env.WTR_FILES.split(',') : ['test/**/*.test.ts']), '!test/**/*.node.test.ts'];

export default {
  files,
  rootDir: '.',
  nodeResolve: { exportConditions: ['production'] },
  reporters: [process.env.CI || process.env.WTR_SUMMARY ? summaryReporter({ flatten: false }) : defaultReporter(), countReporter()],
  concurrency: 1,
  browsers: [
    chromeLauncher({
      launchOptions: { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS, ignoreDefaultArgs: ['--mute-audio'] },
    }),
  ],
  plugins: [...wtrPlugins(), workletRoutePlugin(), esbuildPlugin({ ts: true, target: 'auto', tsconfig: './tsconfig.json' })],
  // Only real mocha options here: anything else makes mocha.setup throw and the run hang (tooling.md §9).
  testFramework: { config: { timeout: 20000 } },
  testsFinishTimeout: 10 * 60 * 1000,
};
