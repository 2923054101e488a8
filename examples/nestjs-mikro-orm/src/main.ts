import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './appModule.ts';

const app = await NestFactory.create(AppModule);
app.enableShutdownHooks(); // stops the consumer (its batch in flight ends first) on SIGTERM
await app.listen(Number(process.env.PORT ?? 3000));
console.log(`shows on ${await app.getUrl()}`);
