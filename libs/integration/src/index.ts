/**
 * @caretrail/integration: CareTrail's events for other systems, on Kafka.
 * The relay follows the event log and publishes; the message contract
 * (topics, CloudEvents headers, JSON Schemas, AsyncAPI) is defined here.
 * docs/kafka.md has the decisions.
 */
export { kafkaRelayConfigFromEnv, type KafkaRelayConfig } from './config';
export type { EventPublisher, IntegrationMessage } from './publisher/event-publisher';
export {
  KafkajsPublisher,
  PublisherClosed,
  type KafkajsPublisherOptions,
  type PublisherLogLevel,
  type PublisherLogLineLevel,
} from './publisher/kafkajs-publisher';
export { Relay, createKafkaRelay, RELAY_SUBSCRIPTION, type RelayOptions, type RelayStatus } from './relay/relay';
export { registerRelayMetrics } from './relay/relay-metrics';
export { relayShardsStatus, type RelayShardsStatus } from './relay/relay-shards';
export { areas, areaFor, areaOf, allTopics, topicName, typesOnArea, type Area } from './messages/topics';
export { messageDefinitions, type JsonSchema, type MessageDefinition } from './messages/message-schemas';
export {
  toMessage,
  cloudEventType,
  schemaId,
  CLOUDEVENTS_SPEC_VERSION,
  CONTENT_TYPE,
  TRACEPARENT_HEADER,
  type MessageOptions,
} from './messages/to-message';
export {
  asyncApiDocument,
  cloudEventHeadersSchema,
  documentedDefaults,
  messageSchema,
  messageSchemaFiles,
  type AsyncApiOptions,
} from './messages/asyncapi';
