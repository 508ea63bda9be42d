import { Controller, Get, Header, Res } from '@nestjs/common';
import { PrometheusMetricsRenderer } from './prometheus-metrics-renderer';

/** Where the text format expects it; the response object only needs `type()` as Express' does. */
interface TypedResponse {
  type(contentType: string): unknown;
}

/** `GET /metrics`, mounted when `SmartMessagePrometheusModule.forRoot({ serveMetrics: true })`. */
@Controller('metrics')
export class PrometheusMetricsController {
  constructor(private readonly renderer: PrometheusMetricsRenderer) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  async metrics(@Res({ passthrough: true }) response: TypedResponse): Promise<string> {
    response.type(this.renderer.contentType);
    return this.renderer.render();
  }
}
