export function handler(req: Request) {
  return Response.json({ method: req.method });
}
