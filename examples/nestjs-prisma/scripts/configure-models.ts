// `pnpm models`: puts the event store's models into prisma/schema/ (next to the app's models),
// for `prisma migrate dev` to create the tables and `prisma generate` to type them.
import { configureModels } from '@es/prisma';

const { file, changed } = await configureModels();
console.log(changed ? `wrote ${file}; now run: prisma migrate dev` : `${file} is up to date`);
