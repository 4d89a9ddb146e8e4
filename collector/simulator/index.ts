export { startSimulator, type Simulator, type SimulatorOptions, type WireKind } from './simulator-server.ts';
export { faultSpecSchema, type FaultSpec } from './fault-spec.ts';
