import { EsModule } from '@es/nestjs';
import { Module } from '@nestjs/common';
import { SHOW_CATEGORY, showDecider } from './shows.ts';
import { ShowsController } from './showsController.ts';
import { ShowsService } from './showsService.ts';

@Module({
  imports: [EsModule.forFeature({ deciders: [{ category: SHOW_CATEGORY, decider: showDecider }] })],
  controllers: [ShowsController],
  providers: [ShowsService],
})
export class ShowsModule {}
