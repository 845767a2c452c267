// jstat ships no types; we use only the Student t distribution.
declare module 'jstat' {
  const jstat: {
    jStat: {
      studentt: { inv(p: number, dof: number): number; cdf(x: number, dof: number): number };
    };
  };
  export default jstat;
}
