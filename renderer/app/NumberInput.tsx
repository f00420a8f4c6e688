/**
 * The forms' number box: one look (`number-input`), the value handed on as a number, and
 * the test id the specs find it by. Everything else (limits, label, disabled) passes through.
 */
import type { InputHTMLAttributes } from 'react';

type NumberInputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'type' | 'value' | 'onChange' | 'className'> & {
  testId: string;
  value: number;
  onValue: (value: number) => void;
};

export function NumberInput({ testId, value, onValue, ...rest }: NumberInputProps) {
  return <input {...rest} className="number-input" type="number" data-testid={testId} value={value} onChange={(e) => onValue(Number(e.target.value))} />;
}
