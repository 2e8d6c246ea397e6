export const rules = [{ id: "x/y" }];
