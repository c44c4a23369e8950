import fc from 'fast-check';
import { caseArb } from './arbitraries.js';
import {
  checkCase,
  controlAnswers,
  noMessageLost,
  nothingLeft,
  registryMatches,
  sameTrace,
  type Check,
} from './check-case.js';
import { propertySettings } from './settings.js';

// Random trees (supervisors nested two deep under the root, up to 6 children
// each, random strategies, restart types, intensity, period and holdBound)
// under random schedules of crashes, normal and cancelled exits, stops, adds
// and control calls on virtual time, each compared with the reference model
// in test/model. A failure prints the shrunk case, the disagreement, and the
// seed and path to replay it:
//   FC_SEED=<seed> FC_PATH=<path> npx jest test/property/supervision.spec.ts -t '<test name>'
// (or `npm run fuzz -- --seed <seed> --path <path>`, which also prints both traces).

const { numRuns } = propertySettings();

/** Each case builds its own TestScheduler inside `runImpl`, so shrinking replays cleanly. */
const holds = (check: Check, offset: number): Promise<void> =>
  fc.assert(
    fc.asyncProperty(caseArb(), async (c) => {
      const problems = await checkCase(c, [check]);
      if (problems.length > 0) throw new Error(problems.join('\n'));
    }),
    propertySettings(offset),
  );

// Generous: 300 cases take about a second, but CI machines are shared.
const TIMEOUT = 60_000;

describe(`supervision against the reference model (${numRuns} cases each)`, () => {
  test(
    'the root stream shows the trace the model predicts, step by step',
    () => holds(sameTrace, 0),
    TIMEOUT,
  );

  test(
    'at every quiet point the registry maps exactly the running children to their current pids',
    () => holds(registryMatches, 1),
    TIMEOUT,
  );

  test(
    'a message sent to a name is handled once by the predicted incarnation, or is one dead letter',
    () => holds(noMessageLost, 2),
    TIMEOUT,
  );

  test(
    'after the root is unsubscribed no actor, name or spec subscription is left, and no error went unhandled',
    () => holds(nothingLeft, 3),
    TIMEOUT,
  );

  test('control calls answer as the model predicts', () => holds(controlAnswers, 4), TIMEOUT);
});
