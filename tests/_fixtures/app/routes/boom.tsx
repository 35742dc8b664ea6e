export const handler = () => {
  throw new Error("secret failure detail");
};
