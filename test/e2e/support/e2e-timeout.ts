// Journeys start processes, Kafka consumer groups and simulators: minutes, not seconds.
jest.setTimeout(240_000);
