-- API tokens revoked through the API; a revoked token is refused by every API process within
-- its refresh interval (10 s). Tokens themselves live hashed in the tokens file, never here.
CREATE TABLE IF NOT EXISTS api_token_revocations
(
    token_id   String COMMENT 'id of the token in the tokens file',
    revoked_at DateTime64(3, 'UTC'),
    revoked_by String COMMENT 'principal id that revoked it',
    reason     String
)
ENGINE = ReplacingMergeTree(revoked_at)
ORDER BY token_id
