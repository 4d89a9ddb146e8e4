// kafkajs stays behind these modules: the rest of Switchyard sees only the interfaces in event-bus.ts.
export { createKafkaAttemptPublisher, type KafkaPublisherOptions } from './kafka-publisher.ts';
export { createKafkaAttemptSubscriber, type KafkaSubscriberOptions } from './kafka-subscriber.ts';
export { createKafkaDeadLetterSink, deadLetterTopic } from './kafka-dead-letters.ts';
