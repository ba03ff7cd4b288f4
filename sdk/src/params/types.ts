/** Flags and descriptions every parameter kind shares. */
interface ParamBase {
  /** One line, shown by `crm_resource --list-options` and pcs. */
  shortdesc: string;
  /** Full description; defaults to `shortdesc`. */
  longdesc?: string;
  /** Every instance must set it (a missing value is `OCF_ERR_CONFIGURED`). */
  required?: boolean;
  /** The value must differ between instances (OCF 1.0 `unique="1"`). */
  unique?: boolean;
  /** OCF 1.1 `unique-group`: the combination of all parameters in the group must be unique. */
  uniqueGroup?: string;
  /** A change can be applied by `reload-agent` instead of a restart. */
  reloadable?: boolean;
  /** Kept for compatibility only; optionally names its replacement. */
  deprecated?: boolean | { replacedWith?: string; desc?: string };
  /**
   * A secret (password, token): its value is written as `***` in logs, traces, exit reasons and
   * command errors, and its `OCF_RESKEY_<name>` is not passed to the commands the agent runs
   * (pass it explicitly with `ctx.exec(..., { env: { NAME: ctx.params.x } })` where one needs it).
   * `ocf-1.1` meta-data lists it in `<special tag="ocfkit">` so the bundled engine hides it too;
   * `portable` meta-data cannot (ra-api-1.dtd allows no marker).
   */
  private?: boolean;
}

/** A string parameter (`content type="string"`), optionally with a `pattern` and `nonEmpty`. */
export interface StringParam extends ParamBase {
  type: 'string';
  default?: string;
  /** A regular expression (source text) the value must match. */
  pattern?: string;
  /** Reject the empty string. */
  nonEmpty?: boolean;
}

/** An integer parameter, optionally bounded by `min` and `max` (inclusive). */
export interface IntegerParam extends ParamBase {
  type: 'integer';
  default?: number;
  min?: number;
  max?: number;
}

/** OCF booleans: `yes true 1 YES TRUE True ja on ON` and `no false 0 NO FALSE False nein off OFF`. */
export interface BooleanParam extends ParamBase {
  type: 'boolean';
  default?: boolean;
}

/** One of a fixed list of words (OCF 1.1 `content type="select"`; a string with the list in portable meta-data). */
export interface SelectParam<O extends string = string> extends ParamBase {
  type: 'select';
  options: readonly O[];
  default?: NoInfer<O>;
}

/** A duration in OCF forms (`20s`, `2min`, `500ms`, `1h`, bare seconds); the value is milliseconds. */
export interface DurationParam extends ParamBase {
  type: 'duration';
  /** Default in OCF form, e.g. `'20s'`. */
  default?: string;
  /** Smallest allowed value in ms. */
  minMs?: number;
}

/** The declaration of one parameter: its kind (`type`), descriptions, flags and default. */
export type ParamSpec = StringParam | IntegerParam | BooleanParam | SelectParam | DurationParam;
/** An agent's parameter declarations by name (the `params` of `defineAgent`). */
export type ParamSpecs = Record<string, ParamSpec>;

/** The TypeScript type of one parameter's parsed value. */
export type ParamValue<D> = D extends { type: 'string' }
  ? string
  : D extends { type: 'integer' }
    ? number
    : D extends { type: 'boolean' }
      ? boolean
      : D extends { type: 'select'; options: readonly (infer O)[] }
        ? O
        : D extends { type: 'duration' }
          ? number
          : never;

type AlwaysPresent<D> = D extends { required: true } ? true : D extends { default: unknown } ? true : false;

/**
 * The typed `ctx.params` of an agent: required parameters and those with a default are always
 * present, the rest may be `undefined`.
 */
export type ParamValues<P extends ParamSpecs> = {
  readonly [K in keyof P]: AlwaysPresent<P[K]> extends true ? ParamValue<P[K]> : ParamValue<P[K]> | undefined;
};
