import { IsBoolean, IsEmail, IsInt, IsNotEmpty, IsString, Max, Min } from 'class-validator';
import { Message, PlainPayload } from '@smart-message/nestjs';

/** 1 → 2: `name` was split into first and last name (a one-word name has an empty last name). */
export function splitName({ name, ...rest }: PlainPayload): PlainPayload {
  const [firstName, ...others] = typeof name === 'string' ? name.trim().split(/\s+/) : [];
  return { ...rest, firstName, lastName: others.join(' ') };
}

/** 2 → 3: `email` became `contactEmail`, and the consent flag arrived, off for earlier sign-ups. */
export function renameEmail({ email, ...rest }: PlainPayload): PlainPayload {
  return { ...rest, contactEmail: email, marketingOptIn: false };
}

/** The current schema, version 3, reading versions 1 and 2 through its upcasters. */
@Message({ name: 'CustomerRegistered', version: 3, from: 'accounts', upcast: { 1: splitName, 2: renameEmail } })
export class CustomerRegistered {
  @IsString() @IsNotEmpty() firstName!: string;
  @IsString() lastName!: string;
  @IsEmail() contactEmail!: string;
  /** Version 3's new rule: version 1 and 2 messages are held to it too. */
  @IsInt() @Min(0) @Max(150) age!: number;
  @IsBoolean() marketingOptIn!: boolean;
}
