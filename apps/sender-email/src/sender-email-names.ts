/** The service's name: the source of its delivery events and the prefix of its consumer groups. */
export const SENDER_EMAIL = 'sender-email';

/** The PostgreSQL schema this service owns. */
export const SENDER_EMAIL_SCHEMA = 'sender_email';
