/**
 * How long a bench loads a freshly started system before it measures (not counted; what it
 * sent is carried through and settled first). A fresh Node process runs its code interpreted or
 * half-optimised until V8 has seen enough of it, and in cluster mode each of the six processes
 * pays that for itself. Measured (bench/RESULTS.md, session 27, bench/carrier in cluster mode):
 * after 3 s of warm-up about 1,100 submit_sm/s at 1.16 ms of CPU per message, after 10, 20 or
 * 30 s about 1,440/s at 0.84 ms. Every system gets the same warm-up, Kannel included.
 */
export const WARMUP_SECONDS = 10;
