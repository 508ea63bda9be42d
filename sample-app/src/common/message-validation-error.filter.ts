import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { MessageValidationError } from '@smart-message/nestjs';

/**
 * A message the bus refuses was built from the client's input, so the client gets a 400 that
 * names the failing fields instead of a 500.
 */
@Catch(MessageValidationError)
export class MessageValidationErrorFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(error: MessageValidationError, host: ArgumentsHost): void {
    const { httpAdapter } = this.adapterHost;
    const body = {
      statusCode: HttpStatus.BAD_REQUEST,
      error: 'Bad Request',
      code: error.code,
      message: error.message,
      messageClass: error.messageClass,
      violations: error.violations.map(({ property, source, constraints }) => ({ property, source, constraints })),
    };
    httpAdapter.reply(host.switchToHttp().getResponse(), body, HttpStatus.BAD_REQUEST);
  }
}
