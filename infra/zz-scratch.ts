import { synthesizeNightlyStateMachine } from './synthesize.ts';
const t0 = Date.now();
const r = await synthesizeNightlyStateMachine();
console.log(Date.now() - t0, JSON.stringify(r.taskStates));
