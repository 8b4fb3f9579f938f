// Run by the rs-init sidecar of member 0 over localhost, the only way in before a user
// exists (MongoDB's localhost exception). Idempotent: initiates the replica set when
// it is new, waits for a primary, then creates the root user and the application user
// when they are missing.
const members = Number(process.env.MONGO_MEMBERS || '1');
const service = process.env.MONGO_SERVICE || 'mongodb';
const setName = process.env.MONGO_REPLICA_SET || 'rs0';
const rootPassword = process.env.MONGO_ROOT_PASSWORD;
const appPassword = process.env.MONGO_APP_PASSWORD;
const appDatabases = (process.env.MONGO_APP_DATABASES || 'jobwire,jobwire_schedule').split(',');

const admin = db.getSiblingDB('admin');
let signedIn = false;
try {
  rs.status();
} catch (error) {
  if (error.codeName === 'NotYetInitialized') {
    const hosts = Array.from({ length: members }, (_, i) => `${service}-${i}.${service}:27017`);
    rs.initiate({ _id: setName, members: hosts.map((host, i) => ({ _id: i, host, priority: i === 0 ? 2 : 1 })) });
    print(`initiated ${setName} with ${hosts.join(', ')}`);
  } else if (error.codeName === 'Unauthorized') {
    admin.auth('root', rootPassword);
    signedIn = true;
  } else {
    throw error;
  }
}
while (!db.hello().isWritablePrimary) sleep(500);
if (!signedIn) {
  admin.createUser({ user: 'root', pwd: rootPassword, roles: ['root'] });
  admin.auth('root', rootPassword);
  print('created the root user');
}
if (admin.getUser('jobwire') === null) {
  admin.createUser({ user: 'jobwire', pwd: appPassword, roles: appDatabases.map((name) => ({ role: 'readWrite', db: name })) });
  print('created the jobwire user');
}
