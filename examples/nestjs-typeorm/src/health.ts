import { EsHealthIndicator } from '@es/nestjs/terminus';
import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly eventStore: EsHealthIndicator,
  ) {}

  /** 200 while the consumers keep up and no outbox row is dead; 503 with the reasons otherwise. */
  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.eventStore.isHealthy('eventStore', { maxLag: 1_000 })]);
  }
}
