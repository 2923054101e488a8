// `@es/nestjs/terminus`: the health indicator, for applications with `@nestjs/terminus` (an
// optional peer dependency: the main entry never imports it).
export { type EsHealthDetails, EsHealthIndicator, type EsHealthThresholds } from './esHealthIndicator.js';
