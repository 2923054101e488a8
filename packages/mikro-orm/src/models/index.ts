export { type EntitiesOptions, type EsEntities, esEntities } from './entities.js';
