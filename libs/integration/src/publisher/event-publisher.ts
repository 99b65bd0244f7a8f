/**
 * The producer port. kafkajs is the client today but is no longer
 * maintained (docs/architecture.md, docs/kafka.md): nothing outside the adapter knows it,
 * so another client can replace it behind this interface.
 */
export interface IntegrationMessage {
  topic: string;
  /** Partitioning key: the patient id, so one patient's messages of a topic stay in order. */
  key: string;
  /** CloudEvents binary mode: `ce_*` attributes and `content-type` as record headers. */
  headers: Record<string, string>;
  /** The JSON body. */
  value: string;
}

export interface EventPublisher {
  /**
   * Publishes the messages in order and resolves only when the broker
   * acknowledged all of them (acks from every in-sync replica). On rejection
   * some may have been written: the caller publishes the batch again
   * (at-least-once; consumers de-duplicate on `ce_id`).
   */
  publish(messages: readonly IntegrationMessage[]): Promise<void>;
  /** Disconnects; a publish still in flight is rejected promptly. */
  close(): Promise<void>;
}
