import { ApiProperty } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  Max,
  Min,
  ValidateBy,
  type ValidationArguments,
} from 'class-validator';
import { instruments, type Instrument, type InstrumentDefinition } from '@caretrail/domain';
import { enumOf, IsOneOf, IsOptionalInstant } from '../../http/validation/decorators';

export const INSTRUMENTS = enumOf<Instrument>()(['PHQ-9', 'GAD-7']);

const MOST_ITEMS = Math.max(...INSTRUMENTS.map((i) => instruments[i].itemCount));
const FEWEST_ITEMS = Math.min(...INSTRUMENTS.map((i) => instruments[i].itemCount));
const HIGHEST_TOTAL = Math.max(...INSTRUMENTS.map((i) => instruments[i].totalMax));
const ITEM_MAX = Math.max(...INSTRUMENTS.map((i) => instruments[i].itemMax));

/** Another field of the body being validated. */
const sibling = (args: ValidationArguments | undefined, field: string): unknown =>
  args ? Reflect.get(args.object, field) : undefined;

/** The definition of the instrument named in the same body, or undefined while that is invalid itself. */
function definitionOf(args?: ValidationArguments): InstrumentDefinition | undefined {
  const instrument = INSTRUMENTS.find((i) => i === sibling(args, 'instrument'));
  return instrument && instruments[instrument];
}

/** PHQ-9 has 9 answers, GAD-7 has 7: the size depends on the instrument. */
const HasItemCountOfInstrument = (): PropertyDecorator =>
  ValidateBy({
    name: 'itemCountOfInstrument',
    validator: {
      validate: (items: unknown, args?: ValidationArguments) => {
        const definition = definitionOf(args);
        return !definition || !Array.isArray(items) || items.length === definition.itemCount;
      },
      defaultMessage: (args?: ValidationArguments) =>
        `items must hold ${definitionOf(args)?.itemCount ?? 'the instrument\u2019s'} answers for ${String(sibling(args, 'instrument'))}`,
    },
  });

export class RecordOutcomeDto {
  @IsOneOf(INSTRUMENTS, 'PHQ-9 (LOINC 44261-6) or GAD-7 (LOINC 70274-6).')
  instrument!: (typeof INSTRUMENTS)[number];

  @ApiProperty({
    type: [Number],
    minItems: FEWEST_ITEMS,
    maxItems: MOST_ITEMS,
    description: 'Item answers in questionnaire order, each 0-3: 9 for PHQ-9, 7 for GAD-7.',
    example: [1, 2, 0, 1, 3, 0, 1, 2, 0],
  })
  @IsArray()
  @ArrayMinSize(FEWEST_ITEMS)
  @ArrayMaxSize(MOST_ITEMS)
  @HasItemCountOfInstrument()
  @IsInt({ each: true })
  @Min(0, { each: true })
  @Max(ITEM_MAX, { each: true })
  items!: number[];

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    maximum: HIGHEST_TOTAL,
    description: 'Sum of the items: PHQ-9 0-27, GAD-7 0-21.',
    example: 10,
  })
  // The total's rules (the sum of the items, the instrument's range) are the domain's: answered
  // 422 OUTCOME_TOTAL_MISMATCH / OUTCOME_TOTAL_OUT_OF_RANGE, as docs/domain.md documents.
  @IsInt()
  @Min(0)
  total!: number;

  @IsOptionalInstant('When the questionnaire was filled in, if not now.', '2026-01-08T09:00:00Z')
  occurredAt?: string;
}
