export interface BrokerHandle {
  brokers: string;
  port: number;
  controllerPort: number;
  runDir: string;
}

export interface BrokerScript {
  startBroker(options: { port?: number; fresh?: boolean; log?: (message: string) => void }): Promise<BrokerHandle>;
  stopBroker(
    handle: { port: number; runDir?: string },
    options?: { keepData?: boolean; log?: (message: string) => void },
  ): Promise<unknown>;
}

export function loadBrokerScript(): Promise<BrokerScript>;
