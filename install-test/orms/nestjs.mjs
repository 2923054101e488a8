// @es/nestjs as a new user installs it: packages/nestjs/README.md run as written on Nest 11 (the
// releases @es/nestjs is tested with), its quick start on TypeORM and @nestjs-cls/transactional
// compiled by tsc with Nest's decorator settings (the README's tsconfig.json) and run from dist/.
// The README's MikroORM and health sections install their packages too, so that their blocks
// compile in the app.
import { expectOneCommittedDeposit, expectStoreTables } from '../checks.mjs';

export default {
  readme: 'packages/nestjs/README.md',
  pins: {
    '@nestjs/common': '11.2.12',
    '@nestjs/core': '11.2.12',
    '@nestjs/typeorm': '11.0.3',
    '@nestjs/terminus': '11.1.1',
    'nestjs-cls': '6.3.1',
    '@nestjs-cls/transactional': '3.3.0',
    '@nestjs-cls/transactional-adapter-typeorm': '1.4.1',
    'reflect-metadata': '0.2.2',
    rxjs: '7.8.2',
    typeorm: '1.1.3',
    pg: '8.23.1',
    '@mikro-orm/nestjs': '7.1.0',
    zod: '4.6.7',
    typescript: '5.9.3',
    '@types/node': '22.20.5',
  },
  /**
   * After `node dist/main.js`: the TypeORM CLI's one migration created the store's tables; the
   * deposit that committed left its row and its one event, the one that threw left neither.
   */
  async verify({ query }) {
    const migrations = await query('select name from migrations');
    if (migrations.length !== 1 || !/^Init\d+$/.test(migrations[0].name))
      throw new Error(
        `expected the one generated migration Init<timestamp> to have run: ${JSON.stringify(migrations)}`,
      );
    await expectStoreTables(query);
    await expectOneCommittedDeposit(query);
  },
};
