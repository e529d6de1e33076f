import { createPostgresDatabase } from './support/database-servers';
import { describePersistenceSuite } from './support/persistence-suite';

describe('persistence on PostgreSQL', () => {
  describePersistenceSuite(createPostgresDatabase);
});
