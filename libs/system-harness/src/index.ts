// @tuxhat/system-harness: the whole gateway as OS processes (all-in-one, the cluster's
// services, the SMSC simulator), for the e2e tests and the benchmarks in bench/. Runs the
// built code in dist/ (scripts/build.sh).
export * from './admin-client';
export * from './free-port';
export * from './gateway-config';
export * from './gateway-process';
export * from './simulator-process';
export * from './cluster-processes';
