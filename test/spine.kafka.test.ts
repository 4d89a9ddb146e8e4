import { spineSuite } from './support/spine-suite.ts';
import { startSpine } from './support/spine-scenario.ts';

const brokers = process.env.KAFKA_BROKERS?.split(',').filter(Boolean);

// The same promises with events crossing a real Kafka broker (start one with scripts/kafka.sh up).
spineSuite('a real Kafka broker', () => startSpine({ brokers: brokers! }), {
  skip: brokers ? undefined : 'KAFKA_BROKERS not set; run scripts/kafka.sh up',
  carriesRawMessages: true,
});
