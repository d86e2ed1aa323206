-- When each remote sensor's interface last shipped a batch
-- (cordon.SensorContactService, sqlite/sensor_contact.go), so that the
-- server notices a sensor that falls silent (sensor_silent) instead of
-- leaving its site unwatched without a sound. sensor is the user the
-- sensor's token acts as. Times are the server's clock at each batch, not
-- the sensor's. One row per interface, rewritten at every batch (about one
-- a minute each): the table stays as small as the number of sensors.
CREATE TABLE sensor_contacts (
	sensor       TEXT    NOT NULL CHECK (length(sensor) BETWEEN 1 AND 64),
	interface    TEXT    NOT NULL CHECK (length(interface) BETWEEN 1 AND 64),
	first_seen   TEXT    NOT NULL,
	last_batch   TEXT    NOT NULL,
	batches      INTEGER NOT NULL CHECK (batches >= 1),
	last_packets INTEGER NOT NULL CHECK (last_packets >= 0),
	PRIMARY KEY (sensor, interface)
);
