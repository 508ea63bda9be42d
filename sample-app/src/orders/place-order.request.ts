import { IsEmail, IsInt, IsNotEmpty, IsString, Max, Min } from 'class-validator';

/** Body of `POST /orders`. */
export class PlaceOrderRequest {
  @IsString()
  @IsNotEmpty()
  sku!: string;

  @IsInt()
  @Min(1)
  @Max(100)
  quantity!: number;

  @IsInt()
  @Min(1)
  unitPriceCents!: number;

  @IsEmail()
  customerEmail!: string;
}
