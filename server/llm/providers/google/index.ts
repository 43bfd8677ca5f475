/** Google's Gemini API (generateContent). */

export { googleProvider } from './chat';
