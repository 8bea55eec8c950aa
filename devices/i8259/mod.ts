export * from "./pic_pair.ts";
