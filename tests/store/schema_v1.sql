-- The store's tables at schema version 1 (before the lifecycle), to test the migration.
CREATE TABLE districts (
	id VARCHAR(64) NOT NULL, 
	name TEXT NOT NULL, 
	taxonomy_toml TEXT, 
	policy_toml TEXT, 
	created_at VARCHAR(40) NOT NULL, 
	PRIMARY KEY (id)
);

CREATE TABLE idempotency (
	token_id INTEGER NOT NULL, 
	"key" VARCHAR(255) NOT NULL, 
	fingerprint VARCHAR(64) NOT NULL, 
	status INTEGER NOT NULL, 
	body TEXT NOT NULL, 
	created_at VARCHAR(40) NOT NULL, 
	PRIMARY KEY (token_id, "key")
);

CREATE TABLE meta (
	"key" VARCHAR(64) NOT NULL, 
	value TEXT NOT NULL, 
	PRIMARY KEY ("key")
);

CREATE TABLE tokens (
	id INTEGER NOT NULL, 
	hash VARCHAR(64) NOT NULL, 
	role VARCHAR(16) NOT NULL, 
	districts TEXT NOT NULL, 
	label TEXT, 
	created_at VARCHAR(40) NOT NULL, 
	revoked_at VARCHAR(40), 
	PRIMARY KEY (id), 
	CONSTRAINT uq_tokens_hash UNIQUE (hash)
);

CREATE TABLE communities (
	district_id VARCHAR(64) NOT NULL, 
	id VARCHAR(128) NOT NULL, 
	name TEXT NOT NULL, 
	street TEXT NOT NULL, 
	lat FLOAT NOT NULL, 
	lon FLOAT NOT NULL, 
	pos INTEGER NOT NULL, 
	PRIMARY KEY (district_id, id), 
	FOREIGN KEY(district_id) REFERENCES districts (id) ON DELETE CASCADE
);

CREATE TABLE declines (
	district_id VARCHAR(64) NOT NULL, 
	cadre VARCHAR(128) NOT NULL, 
	demand VARCHAR(128) NOT NULL, 
	proposal_id INTEGER, 
	reason TEXT, 
	created_at VARCHAR(40) NOT NULL, 
	PRIMARY KEY (district_id, cadre, demand), 
	FOREIGN KEY(district_id) REFERENCES districts (id) ON DELETE CASCADE
);

CREATE TABLE proposals (
	id INTEGER NOT NULL, 
	district_id VARCHAR(64) NOT NULL, 
	created_at VARCHAR(40) NOT NULL, 
	request TEXT NOT NULL, 
	result TEXT NOT NULL, 
	basis TEXT NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(district_id) REFERENCES districts (id) ON DELETE CASCADE
);

CREATE TABLE cadres (
	district_id VARCHAR(64) NOT NULL, 
	id VARCHAR(128) NOT NULL, 
	name TEXT NOT NULL, 
	home VARCHAR(128) NOT NULL, 
	skills TEXT NOT NULL, 
	certs TEXT NOT NULL, 
	capacity INTEGER NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	max_travel_km FLOAT, 
	pos INTEGER NOT NULL, 
	version INTEGER NOT NULL, 
	deleted INTEGER NOT NULL, 
	PRIMARY KEY (district_id, id), 
	FOREIGN KEY(district_id) REFERENCES districts (id) ON DELETE CASCADE, 
	FOREIGN KEY(district_id, home) REFERENCES communities (district_id, id)
);

CREATE TABLE demands (
	district_id VARCHAR(64) NOT NULL, 
	id VARCHAR(128) NOT NULL, 
	community VARCHAR(128) NOT NULL, 
	title TEXT NOT NULL, 
	needs TEXT NOT NULL, 
	requires TEXT NOT NULL, 
	certs TEXT NOT NULL, 
	headcount INTEGER NOT NULL, 
	priority INTEGER NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	pos INTEGER NOT NULL, 
	version INTEGER NOT NULL, 
	deleted INTEGER NOT NULL, 
	PRIMARY KEY (district_id, id), 
	FOREIGN KEY(district_id) REFERENCES districts (id) ON DELETE CASCADE, 
	FOREIGN KEY(district_id, community) REFERENCES communities (district_id, id)
);

CREATE TABLE proposal_items (
	proposal_id INTEGER NOT NULL, 
	cadre VARCHAR(128) NOT NULL, 
	demand VARCHAR(128) NOT NULL, 
	state VARCHAR(16) NOT NULL, 
	PRIMARY KEY (proposal_id, cadre, demand), 
	FOREIGN KEY(proposal_id) REFERENCES proposals (id) ON DELETE CASCADE
);

CREATE TABLE dispatches (
	id INTEGER NOT NULL, 
	district_id VARCHAR(64) NOT NULL, 
	proposal_id INTEGER, 
	cadre VARCHAR(128) NOT NULL, 
	demand VARCHAR(128) NOT NULL, 
	score FLOAT NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	created_at VARCHAR(40) NOT NULL, 
	closed_at VARCHAR(40), 
	note TEXT, 
	PRIMARY KEY (id), 
	FOREIGN KEY(district_id) REFERENCES districts (id) ON DELETE CASCADE, 
	FOREIGN KEY(proposal_id) REFERENCES proposals (id), 
	FOREIGN KEY(district_id, cadre) REFERENCES cadres (district_id, id), 
	FOREIGN KEY(district_id, demand) REFERENCES demands (district_id, id)
);

CREATE INDEX ix_dispatches_district_status ON dispatches (district_id, status);

CREATE INDEX ix_dispatches_cadre ON dispatches (district_id, cadre);

INSERT INTO meta (key, value) VALUES ('schema_version', '1');
