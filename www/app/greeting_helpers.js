// Collocated with app/greeting_helpers.py: the three forms of functions on a JS class the article
// lists. Blazor cannot call the third (a plain `function` field); Python can call all three.
export class GreetingHelpers {
  constructor(name) {
    this.name = name;
  }

  sayHello() {
    return `Hello, ${this.name}! (a method)`;
  }

  sayHelloArrow = () => `Hello, ${this.name}! (an arrow-function field)`;

  sayHelloField = function () {
    return `Hello, ${this.name}! (a function field)`;
  };
}
