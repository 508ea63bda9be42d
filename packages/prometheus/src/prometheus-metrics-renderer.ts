import { Injectable } from '@nestjs/common';
import { PrometheusMessageObserver } from './prometheus-message-observer';

/** Renders the observer's registry in Prometheus' text format, for a `/metrics` route of the user's own. */
@Injectable()
export class PrometheusMetricsRenderer {
  constructor(private readonly observer: PrometheusMessageObserver) {}

  /** The Content-Type header to serve `render()` with. */
  get contentType(): string {
    return this.observer.registry.contentType;
  }

  render(): Promise<string> {
    return this.observer.registry.metrics();
  }
}
