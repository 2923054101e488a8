// `pnpm start`: the API on PORT (default 3000), after `pnpm migration:run`.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './appModule.ts';

const app = await NestFactory.create(AppModule);
app.enableShutdownHooks(); // SIGTERM: the consumer ends its batch and gives its lease up
await app.listen(Number(process.env.PORT ?? 3000));
console.log(`listening on ${await app.getUrl()}`);
