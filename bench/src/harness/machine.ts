import { cpus, loadavg, totalmem } from 'node:os';

/** The facts about the machine that a reader needs to compare numbers across pages. */
export interface MachineDescription {
  cores: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  platform: string;
}

export function describeMachine(): MachineDescription {
  const processors = cpus();
  return {
    cores: processors.length,
    cpuModel: processors[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

/** The 1-minute load average, which tells whether other work shared the machine. */
export function currentLoad(): string {
  return loadavg()[0]!.toFixed(2);
}
