import { INestApplication } from '@nestjs/common';
import { StatisticsSnapshot } from '@smart-message/nestjs';
import request from 'supertest';
import { ActivityEntry } from '../../sample-app/src/activity/activity-entry.interface';

/** `GET /activity`: every handler call so far, oldest first. */
export async function readActivity(app: INestApplication): Promise<ActivityEntry[]> {
  const response = await request(app.getHttpServer()).get('/activity').expect(200);
  return response.body as ActivityEntry[];
}

/** `GET /messages/stats`. */
export async function readStatistics(app: INestApplication): Promise<StatisticsSnapshot> {
  const response = await request(app.getHttpServer()).get('/messages/stats').expect(200);
  return response.body as StatisticsSnapshot;
}

/** Ids of the handlers that handled messages of one type, sorted, one per call. */
export function handlersThatSaw(entries: ActivityEntry[], messageClass: string): string[] {
  return entries
    .filter((entry) => entry.messageClass === messageClass)
    .map((entry) => entry.handlerId)
    .sort();
}

/** How many messages a handler has finished with: filtered out, succeeded or failed. */
export function settledCount(statistics: StatisticsSnapshot, handlerId: string): number {
  const counters = statistics.handlers[handlerId];
  return counters === undefined ? 0 : counters.filteredOut + counters.succeeded + counters.failed;
}
