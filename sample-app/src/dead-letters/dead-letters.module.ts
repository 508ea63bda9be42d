import { Module } from '@nestjs/common';
import { DeadLettersController } from './dead-letters.controller';

/** `DeadLetterQueue` comes from the global SmartMessageModule; this module only serves it over HTTP. */
@Module({ controllers: [DeadLettersController] })
export class DeadLettersModule {}
